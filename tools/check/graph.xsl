<?xml version="1.0"?>
<!-- Flattens a transition graph (crm_simulate -G) into one line per action:
     id, element, operation, operation_key, on_node, primitive id, input ids (space separated) -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:variable name="t" select="'&#9;'"/>
  <xsl:template match="/">
    <xsl:for-each select="/transition_graph/synapse">
      <xsl:variable name="a" select="action_set/*[1]"/>
      <xsl:value-of select="concat($a/@id, $t, name($a), $t, $a/@operation, $t, $a/@operation_key, $t, $a/@on_node, $t, $a/primitive/@id, $t)"/>
      <xsl:for-each select="inputs/trigger/*"><xsl:value-of select="concat(@id, ' ')"/></xsl:for-each>
      <xsl:value-of select="'&#10;'"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
